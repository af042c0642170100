/*
 * keccak256.c - benchmark kernel: Keccak-256 as Ethereum uses it (the
 * original Keccak padding 0x01 ... 0x80, not SHA3-256's 0x06), i.e.
 * Keccak-f[1600] with rate 136 bytes and a 32-byte output; 64-bit lane work.
 *
 * run(n): fills a 1 KiB buffer with buf[i] = (i * 131 + 7) & 0xff and hashes
 * it; then, n times, copies the 32-byte digest over the first 32 bytes of the
 * buffer and hashes the whole buffer again.  That is n + 1 hashes of 1024
 * bytes (8 permutations each).  Returns the first 8 bytes of the final
 * digest read as a little-endian i64.  run(0) is Keccak-256 of the initial
 * buffer, so it can be checked against any Keccak-256 implementation.
 *
 * No libc, no imports, no floating point.  Built by build.sh.
 */
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define BUF_LEN 1024
#define RATE 136 /* bytes: (1600 - 2 * 256) / 8 */

/* The compiler may emit calls to these for struct/array copies. */
void *memcpy(void *dst, const void *src, unsigned long len) {
    u8 *d = dst;
    const u8 *s = src;
    while (len--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, unsigned long len) {
    u8 *d = dst;
    while (len--) *d++ = (u8)c;
    return dst;
}

/* Iota round constants. */
static const u64 RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rho rotation offsets, lane (x, y) at index x + 5 * y. */
static const u8 ROT[25] = {
    0,  1,  62, 28, 27,
    36, 44, 6,  55, 20,
    3,  10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2,  61, 56, 14,
};

static u64 rotl(u64 x, u32 n) { return (x << n) | (x >> ((64 - n) & 63)); }

static void keccak_f(u64 a[25]) {
    u64 c[5], b[25];
    for (int round = 0; round < 24; round++) {
        /* theta */
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            u64 d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
        }
        /* rho and pi: B[y, 2x + 3y] = rot(A[x, y]) */
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], ROT[x + 5 * y]);
        /* chi */
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++)
                a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        /* iota */
        a[0] ^= RC[round];
    }
}

static u64 load64_le(const u8 *p) {
    u64 v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static void keccak256(const u8 *msg, u32 len, u8 out[32]) {
    u64 a[25];
    for (int i = 0; i < 25; i++) a[i] = 0;
    for (; len >= RATE; len -= RATE, msg += RATE) {
        for (int i = 0; i < RATE / 8; i++) a[i] ^= load64_le(msg + 8 * i);
        keccak_f(a);
    }
    /* Last block: remaining bytes, then pad 0x01 ... 0x80. */
    u8 block[RATE];
    for (u32 i = 0; i < RATE; i++) block[i] = 0;
    for (u32 i = 0; i < len; i++) block[i] = msg[i];
    block[len] ^= 0x01;
    block[RATE - 1] ^= 0x80;
    for (int i = 0; i < RATE / 8; i++) a[i] ^= load64_le(block + 8 * i);
    keccak_f(a);

    for (int i = 0; i < 32; i++) out[i] = (u8)(a[i / 8] >> (8 * (i % 8)));
}

static u8 buf[BUF_LEN];

long long run(int n) {
    u8 digest[32];
    for (u32 i = 0; i < BUF_LEN; i++) buf[i] = (u8)(i * 131 + 7);
    keccak256(buf, BUF_LEN, digest);
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < 32; i++) buf[i] = digest[i];
        keccak256(buf, BUF_LEN, digest);
    }
    return (long long)load64_le(digest);
}
