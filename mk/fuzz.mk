# mk/fuzz.mk - libFuzzer targets (clang, ASan, UBSan) over the core's
# decoders; `make fuzz FUZZ_SECONDS=N` runs each for N seconds.

FUZZ_CC		?= clang
FUZZ_FLAGS	:= -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -Ikmod/core -Iinclude
FUZZ_TARGETS	:= $(patsubst tests/fuzz/%.c,$(USER_OUT)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS	?= 20

$(USER_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRCS) $(wildcard kmod/core/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(CORE_SRCS)

.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz-corpus/$$(basename $$t); \
		$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
			build/fuzz-corpus/$$(basename $$t) tests/fuzz/seeds 2>&1 | \
			tail -3 || exit 1; \
	done
