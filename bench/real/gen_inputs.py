"""Generates the real-program inputs of bench/real/real.sh into DIR, deterministically (fixed
seed, no downloads): workload.sql for sqlite3 and corpus.txt for xz.

usage: /usr/bin/python3 gen_inputs.py DIR
"""
import os
import random
import sys

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
         "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu malloc free "
         "realloc arena slab page span cache thread heap block chunk bin class size").split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sql_workload(rng, out):
    """Inserts, indexes, joins, updates and deletes; the last line prints 'check|...'."""
    w = out.write
    w("CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, city TEXT, score REAL);\n")
    w("CREATE TABLE product(id INTEGER PRIMARY KEY, title TEXT, price REAL);\n")
    w("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, product INTEGER, qty INTEGER, note TEXT);\n")
    w("BEGIN;\n")
    for i in range(20000):
        w(f"INSERT INTO customer VALUES({i}, '{words(rng, 2)} {i}', '{rng.choice(WORDS)}', {rng.random() * 100:.3f});\n")
    for i in range(2000):
        w(f"INSERT INTO product VALUES({i}, '{words(rng, 4)}', {rng.random() * 500:.2f});\n")
    for i in range(120000):
        w(f"INSERT INTO orders VALUES({i}, {rng.randrange(20000)}, {rng.randrange(2000)}, "
          f"{rng.randrange(1, 10)}, '{words(rng, rng.randrange(1, 12))}');\n")
    w("COMMIT;\n")
    w("CREATE INDEX orders_customer ON orders(customer);\n")
    w("CREATE INDEX orders_product ON orders(product, qty);\n")
    w("CREATE INDEX customer_city ON customer(city, score);\n")
    for _ in range(40):
        city = rng.choice(WORDS)
        w("SELECT c.city, count(*), sum(o.qty * p.price) FROM orders o JOIN customer c ON c.id = o.customer "
          f"JOIN product p ON p.id = o.product WHERE c.city = '{city}' GROUP BY c.city;\n")
    w("SELECT p.title, sum(o.qty) AS n FROM orders o JOIN product p ON p.id = o.product "
      "GROUP BY p.id ORDER BY n DESC LIMIT 20;\n")
    w("BEGIN;\n")
    for _ in range(20000):
        w(f"UPDATE orders SET qty = qty + 1, note = note || ' {rng.choice(WORDS)}' WHERE id = {rng.randrange(120000)};\n")
    for _ in range(5000):
        lo = rng.randrange(120000)
        w(f"DELETE FROM orders WHERE id BETWEEN {lo} AND {lo + 3};\n")
    w("COMMIT;\n")
    w("CREATE TABLE summary AS SELECT customer, count(*) AS n, group_concat(note, ';') AS notes "
      "FROM orders GROUP BY customer;\n")
    w("SELECT 'check', (SELECT count(*) FROM orders), (SELECT sum(n) FROM summary), "
      "(SELECT sum(length(notes)) FROM summary);\n")


def corpus(rng, out, size):
    """Text with repeats at every distance: compressible, but not trivially."""
    lines, total = [], 0
    while total < size:
        if lines and rng.random() < 0.3:
            line = rng.choice(lines[-2000:])  # an earlier line again
        else:
            line = f"{rng.randrange(10**6):06d} {words(rng, rng.randrange(3, 15))}\n"
        lines.append(line)
        total += len(line)
    out.write("".join(lines))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "workload.sql"), "w") as f:
        sql_workload(random.Random(42), f)
    with open(os.path.join(d, "corpus.txt"), "w") as f:
        corpus(random.Random(43), f, 3 << 20)


if __name__ == "__main__":
    main()
