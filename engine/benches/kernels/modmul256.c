/*
 * modmul256.c - benchmark kernel: 256-bit modular multiplication as Ethereum
 * big-number code does it (the BN254 / alt_bn128 precompiles): numbers are
 * 8 little-endian 32-bit limbs, products go through 64-bit integers, and
 * multiplication is Montgomery's (CIOS form) modulo the BN254 base-field prime
 *   p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47.
 *
 * run(n): x = X0, y = Y (fixed constants below); n times x = x * y mod p, all
 * in the Montgomery domain (one Montgomery multiplication each); converts x
 * back out and returns its low 64 bits, i.e. (X0 * Y^n mod p) & (2^64 - 1),
 * as an i64.
 *
 * 32-bit limbs keep every product in a native i64.mul (64-bit limbs would
 * need 128-bit products, which wasm32 lacks: clang would call __multi3).
 *
 * No libc, no imports, no floating point.  Built by build.sh.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

#define LIMBS 8

/* The compiler may emit calls to these for struct/array copies. */
void *memcpy(void *dst, const void *src, unsigned long len) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (len--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, unsigned long len) {
    unsigned char *d = dst;
    while (len--) *d++ = (unsigned char)c;
    return dst;
}

/* The modulus, least significant limb first. */
static const u32 P[LIMBS] = {0xd87cfd47, 0x3c208c16, 0x6871ca8d, 0x97816a91,
                             0x8181585d, 0xb85045b6, 0xe131a029, 0x30644e72};
/* R^2 mod p with R = 2^256: multiplying by it enters the Montgomery domain. */
static const u32 R2[LIMBS] = {0x538afa89, 0xf32cfc5b, 0xd44501fb, 0xb5e71911,
                              0x0a417ff6, 0x47ab1eff, 0xcab8351f, 0x06d89f71};
/* The operands (both < p). */
static const u32 X0[LIMBS] = {0x89abcdef, 0x01234567, 0x76543210, 0xfedcba98,
                              0x4b5a6978, 0x0f1e2d3c, 0xc3d2e1f0, 0x0796a5b4};
static const u32 Y[LIMBS] = {0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5cedc834,
                             0x1082276b, 0xf3a27251, 0xf86c6a11, 0x2d4f8e0a};
static const u32 ONE[LIMBS] = {1, 0, 0, 0, 0, 0, 0, 0};

/* -p^-1 mod 2^32, by Newton's iteration (each step doubles the correct bits). */
static u32 neg_inv(u32 p0) {
    u32 inv = 1;
    for (int i = 0; i < 5; i++) inv *= 2 - p0 * inv;
    return 0u - inv;
}

/* out = a * b * R^-1 mod p, for a, b < p.  out may alias a or b. */
static void mont_mul(u32 out[LIMBS], const u32 a[LIMBS], const u32 b[LIMBS], u32 pinv) {
    u32 t[LIMBS + 2];
    for (int i = 0; i < LIMBS + 2; i++) t[i] = 0;
    for (int i = 0; i < LIMBS; i++) {
        /* t += a * b[i] */
        u64 carry = 0;
        for (int j = 0; j < LIMBS; j++) {
            u64 s = (u64)t[j] + (u64)a[j] * b[i] + carry;
            t[j] = (u32)s;
            carry = s >> 32;
        }
        u64 s = (u64)t[LIMBS] + carry;
        t[LIMBS] = (u32)s;
        t[LIMBS + 1] = (u32)(s >> 32);
        /* t = (t + m * p) / 2^32, with m chosen so the low limb cancels */
        u32 m = t[0] * pinv;
        carry = ((u64)t[0] + (u64)m * P[0]) >> 32;
        for (int j = 1; j < LIMBS; j++) {
            u64 s2 = (u64)t[j] + (u64)m * P[j] + carry;
            t[j - 1] = (u32)s2;
            carry = s2 >> 32;
        }
        s = (u64)t[LIMBS] + carry;
        t[LIMBS - 1] = (u32)s;
        t[LIMBS] = t[LIMBS + 1] + (u32)(s >> 32);
    }
    /* t < 2p: subtract p once if t >= p. */
    u32 d[LIMBS];
    u64 borrow = 0;
    for (int j = 0; j < LIMBS; j++) {
        u64 s = (u64)t[j] - P[j] - borrow;
        d[j] = (u32)s;
        borrow = (s >> 32) & 1;
    }
    int ge = t[LIMBS] != 0 || borrow == 0;
    for (int j = 0; j < LIMBS; j++) out[j] = ge ? d[j] : t[j];
}

long long run(int n) {
    u32 pinv = neg_inv(P[0]);
    u32 x[LIMBS], y[LIMBS];
    mont_mul(x, X0, R2, pinv); /* x = X0 * R mod p */
    mont_mul(y, Y, R2, pinv);  /* y = Y * R mod p */
    for (int k = 0; k < n; k++) mont_mul(x, x, y, pinv);
    mont_mul(x, x, ONE, pinv); /* leave the Montgomery domain */
    return (long long)((u64)x[1] << 32 | x[0]);
}
