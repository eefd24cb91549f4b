#include "store/postgres/pg_epochs.hpp"

namespace imhub {
namespace {

int slot_of(std::string_view table) {
  uint32_t h = 2166136261u;  // FNV-1a over the lower-cased name: SQL names are case-insensitive
  for (char ch : table) {
    h ^= static_cast<uint8_t>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    h *= 16777619u;
  }
  return static_cast<int>(h % PgTableEpochs::kSlots);
}

}  // namespace

uint64_t PgTableEpochs::current(std::string_view table) const {
  return slots_[static_cast<size_t>(slot_of(table))].load(std::memory_order_acquire);
}

void PgTableEpochs::bump(std::string_view table) {
  slots_[static_cast<size_t>(slot_of(table))].fetch_add(1, std::memory_order_acq_rel);
}

void PgTableEpochs::bump_all() {
  for (auto& s : slots_) s.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace imhub
