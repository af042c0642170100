/* trap.c - a guest trap (unreachable) after some output.
 *
 * Prints "before trap" to stdout (flushed), then executes `unreachable`.
 * The harness expects a trap, not an exit code.
 */
#include <stdio.h>

int main(void) {
    printf("before trap\n");
    fflush(stdout);
    __builtin_trap();
}
