/* fuzz common: what every libFuzzer target here shares. Built only by `make fuzz` with
 * clang (-fsanitize=fuzzer,address,undefined) into build/fuzz/, never with the gcc build.
 * Each target file defines LLVMFuzzerTestOneInput; a crash, leak or UB report fails it. */
#ifndef ORGDECK_FUZZ_COMMON_H
#define ORGDECK_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
