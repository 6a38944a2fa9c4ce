-- Table-heavy Lua for bench/real/real.sh: records as tables, arrays grown and shrunk, string
-- keys built and dropped, a live set carried between rounds. Lua allocates through realloc.
-- Prints "tables ok CHECKSUM OPS" where OPS counts the tables built (the benchmark's unit).
local seed = 42
local function rand(n)  -- a small LCG: the same numbers on every Lua build
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

local live, ops, checksum = {}, 0, 0
for round = 1, 40 do
  local batch = {}
  for i = 1, 10000 do
    local rec = { id = i, name = "rec" .. round .. "_" .. i, tags = {} }
    for j = 1, rand(10) + 1 do rec.tags[j] = "t" .. rand(100) end
    batch[#batch + 1] = rec
    ops = ops + 1
  end
  -- a hash keyed by strings, then half removed (rehashes both ways)
  local index = {}
  for _, rec in ipairs(batch) do index[rec.name] = rec end
  for i = 1, #batch, 2 do index[batch[i].name] = nil end
  for _, rec in pairs(index) do checksum = checksum + #rec.tags end
  -- survivors: a random sample replaces part of the live set
  for _ = 1, 500 do live[rand(5000) + 1] = batch[rand(#batch) + 1] end
  -- array churn: grow by insertion, sort, concatenate
  local arr = {}
  for i = 1, 20000 do arr[i] = rand(1000000) end
  table.sort(arr)
  checksum = checksum + arr[10000] % 1000 + #table.concat(arr, ",", 1, 200)
  ops = ops + 2
end
for _, rec in pairs(live) do checksum = checksum + #rec.tags end
print(string.format("tables ok %d %d", checksum, ops))
