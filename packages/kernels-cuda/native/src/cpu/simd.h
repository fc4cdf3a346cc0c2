// Function multi-versioning for elementwise loops: one clone per instruction set, picked at load time.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(_M_X64)) && defined(__linux__)
#define SAMP_VECTOR_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define SAMP_VECTOR_CLONES
#endif
