/* Prints the documented example config; assets/ticker.conf is its output:
 *   build/tests/write-config > assets/ticker.conf */
#include <stdio.h>

#include "config.h"

int main(void)
{
    config_write_documented(stdout);
    return 0;
}
