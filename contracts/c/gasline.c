// gasline: an Ewasm contract written in C and built with DWARF (-g), so
// that `iris profile` can show its gas by source line. It reads its call
// data, mixes every 8 bytes of it into a running hash, copies the input
// with memory.copy, grows memory by a page, and returns the 8-byte hash.
//
// The lines marked `@line NAME` are the ones cli/tests/profile_lines.rs
// expects to see in the profile; rebuild with ./build.sh after editing.

#include <stdint.h>

#define EEI(name) __attribute__((import_module("ethereum"), import_name(#name)))

EEI(getCallDataSize) uint32_t eei_call_data_size(void);
EEI(callDataCopy) void eei_call_data_copy(void *to, uint32_t from, uint32_t len);
EEI(finish) void eei_finish(const void *data, uint32_t len);
EEI(revert) void eei_revert(const void *data, uint32_t len);

#define MAX_INPUT 1024

static uint8_t input[MAX_INPUT];
static uint8_t copy[MAX_INPUT];
static uint64_t result;

// One round of a 64-bit mixer (SplitMix64's finaliser).
static __attribute__((noinline)) uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL; // @line mix
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// The little-endian 64-bit word at `p`.
static uint64_t load64(const uint8_t *p) {
    uint64_t word = 0;
    for (int i = 7; i >= 0; i--) {
        word = (word << 8) | p[i]; // @line load
    }
    return word;
}

__attribute__((export_name("main"))) void contract_main(void) {
    uint32_t size = eei_call_data_size();
    if (size > MAX_INPUT || size % 8 != 0) {
        eei_revert(0, 0);
    }
    eei_call_data_copy(input, 0, size);
    __builtin_memcpy(copy, input, size); // @line copy
    __builtin_wasm_memory_grow(0, 1); // @line grow
    uint64_t hash = size;
    for (uint32_t at = 0; at < size; at += 8) {
        hash = mix(hash ^ load64(copy + at)); // @line hash
    }
    result = hash;
    eei_finish(&result, sizeof result);
}
