// The context switch: System V x86-64 callee-saved registers, MXCSR and the x87 control word
// are pushed on the old stack, the stack pointer is swapped, and the same set is popped from
// the new stack. A fresh fiber's stack is laid out by Fiber::prepare so that the final `ret`
// lands in interleave_fiber_trampoline, which calls the entry function held in r13 with the
// argument held in r12.
#if !defined(__x86_64__)
#error "the interleaving checker's fiber switch is written for x86-64"
#endif

asm(R"(
  .text
  .globl interleave_switch_context
  .type interleave_switch_context,@function
  .p2align 4
interleave_switch_context:
  .cfi_startproc
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .cfi_endproc
  .size interleave_switch_context, .-interleave_switch_context

  .globl interleave_fiber_trampoline
  .type interleave_fiber_trampoline,@function
  .p2align 4
interleave_fiber_trampoline:
  .cfi_startproc
  .cfi_undefined rip
  movq %r12, %rdi
  callq *%r13
  ud2
  .cfi_endproc
  .size interleave_fiber_trampoline, .-interleave_fiber_trampoline
  .section .note.GNU-stack,"",@progbits
  .text
)");
