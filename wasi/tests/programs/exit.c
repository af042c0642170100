/* exit.c - proc_exit with a non-zero code.
 *
 * Extra args: <code>   (the harness passes 7 and expects exit status 7)
 * Prints "exiting" to stdout first (libc flushes stdout on exit).
 *
 * Covers: proc_exit.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("exiting\n");
    exit(argc > 1 ? atoi(argv[1]) : 99);
}
