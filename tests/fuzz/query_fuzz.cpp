// libFuzzer target for the SPEC §8 JSON query.
//
// Feeds the input through slotcraft::parse_query and, when it is accepted,
// slotcraft::find_slots and slotcraft::explain, then checks cheap invariants
// of the answer. Only slotcraft::error is an expected way to refuse an input:
// any other exception escapes to libFuzzer (a finding), and a broken
// invariant calls abort() (a finding).
//
// Build and run with scripts/fuzz (standalone project in tests/fuzz/).

#include <slotcraft/availability.hpp>
#include <slotcraft/error.hpp>
#include <slotcraft/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Inputs beyond these limits are skipped to keep each run fast.
constexpr auto max_range = std::chrono::days{31};
constexpr auto min_step = std::chrono::minutes{5};
constexpr std::size_t max_resources = 8;

[[noreturn]] void violated(const char* what, const slotcraft::slot_query& q, const slotcraft::slot* s = nullptr,
                           const std::string& detail = {}) {
    std::fprintf(stderr, "\n=== slotcraft invariant violated: %s\n", what);
    std::fprintf(stderr, "query: from=%s to=%s now=%s duration=%lld step=%lld align=%s mode=%s seats=%d capacity=%d\n",
                 slotcraft::format_instant(q.from).c_str(), slotcraft::format_instant(q.to).c_str(),
                 slotcraft::format_instant(q.now).c_str(), static_cast<long long>(q.asked.duration.count()),
                 static_cast<long long>(q.asked.grid_step().count()), std::string(to_string(q.asked.align)).c_str(),
                 q.mode == slotcraft::resource_mode::all ? "all" : "any", q.seats, q.asked.capacity);
    if (s != nullptr) {
        std::string ids;
        for (const std::string& id : s->resources) ids += (ids.empty() ? "" : ",") + id;
        std::fprintf(stderr, "slot: start=%s end=%s resources=[%s] seats_left=%lld\n",
                     slotcraft::format_instant(s->time.start).c_str(), slotcraft::format_instant(s->time.end).c_str(),
                     ids.c_str(), s->seats_left);
    }
    if (!detail.empty()) std::fprintf(stderr, "%s\n", detail.c_str());
    std::fflush(stderr);
    std::abort();
}

// explain() answers one refusal per resource, in query order.
void check_explain_shape(const slotcraft::slot_query& q, const std::vector<slotcraft::resource_refusal>& refusals) {
    if (refusals.size() != q.resources.size()) violated("explain: not one refusal per resource", q);
    for (std::size_t i = 0; i < refusals.size(); ++i)
        if (refusals[i].resource != q.resources[i].id) violated("explain: refusals not in query order", q);
}

// A listed slot has no reasons for the first (preferred) resource listed on it.
void check_listed_slot_explained(const slotcraft::slot_query& q, const slotcraft::slot& s) {
    const auto refusals = slotcraft::explain(q, s.time.start);
    check_explain_shape(q, refusals);
    const std::string& first = s.resources.front();
    for (const slotcraft::resource_refusal& r : refusals) {
        if (r.resource != first) continue;
        if (!r.reasons.empty()) {
            std::string detail = "explain(" + slotcraft::format_instant(s.time.start) + ") for " + first + ":";
            for (const slotcraft::reason& why : r.reasons)
                detail += "\n  " + std::string(to_string(why.code)) + ": " + why.message;
            violated("explain reports reasons for a listed slot's first resource", q, &s, detail);
        }
        return;
    }
    violated("a listed slot names a resource that is not in the query", q, &s);
}

void check_slots(const slotcraft::slot_query& q, const std::vector<slotcraft::slot>& slots) {
    const slotcraft::slot* previous = nullptr;
    for (const slotcraft::slot& s : slots) {
        if (!(q.from <= s.time.start && s.time.start < q.to)) violated("slot start outside [from, to)", q, &s);
        if (previous != nullptr && !(previous->time.start < s.time.start))
            violated("slots not strictly increasing by start", q, &s);
        if (s.time.end - s.time.start != q.asked.duration) violated("slot end - start != duration", q, &s);
        if (s.resources.empty()) violated("slot lists no resource", q, &s);
        if (s.seats_left < q.seats) violated("slot seats_left < seats asked", q, &s);
        if (q.mode == slotcraft::resource_mode::all && s.resources.size() != q.resources.size())
            violated("mode all: slot does not list every resource", q, &s);
        previous = &s;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const slotcraft::slot_query q = slotcraft::parse_query(text);
        if (q.to - q.from > max_range || q.asked.grid_step() < min_step || q.resources.size() > max_resources)
            return 0;

        const std::vector<slotcraft::slot> slots = slotcraft::find_slots(q);
        check_slots(q, slots);

        check_explain_shape(q, slotcraft::explain(q, q.from));
        if (!slots.empty()) {
            check_listed_slot_explained(q, slots.front());
            if (slots.size() > 1) check_listed_slot_explained(q, slots.back());
        }
    } catch (const slotcraft::error&) {
        // A refused input: the expected outcome for most fuzzed bytes.
    }
    return 0;
}
