// Schedule strings: one character per decision, run-length encoded so a long run stays
// printable: "0x3.1.2x4" means threads 0,0,0,1,2,2,2,2. Letters are read-from choices of the
// weak-memory tier ('a' = newest store, 'b' = the one before, ...). 'S' and 'F': an OS call
// succeeds or fails (Options::os_faults). No 'x': it is the separator.
#include <cctype>
#include <string>

#include "interleave/checker.h"

namespace interleave {

std::string encode_schedule(const std::string& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t j = i;
    while (j < choices.size() && choices[j] == choices[i]) ++j;
    if (!out.empty()) out += '.';
    out += choices[i];
    if (j - i > 1) out += 'x' + std::to_string(j - i);
    i = j;
  }
  return out;
}

bool decode_schedule(const std::string& text, std::string& choices) {
  choices.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    const char t = text[i++];
    if (!((t >= '0' && t <= '9') || (t >= 'a' && t <= 'w') || t == 'S' || t == 'F')) return false;
    std::size_t count = 1;
    if (i < text.size() && text[i] == 'x') {
      ++i;
      if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
      count = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        count = count * 10 + static_cast<std::size_t>(text[i++] - '0');
    }
    choices.append(count, t);
    if (i < text.size() && text[i++] != '.') return false;
  }
  return true;
}

}  // namespace interleave
