package dev.bosun.sandbox.bwrap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The seccomp filter every bubblewrap worker runs under ({@code bwrap --seccomp FD}), as a classic BPF
 * program: an array of {@code struct sock_filter} in the host's (little-endian) byte order.
 *
 * <p>A deny-list, as Docker's default profile is in effect for an unprivileged container: system calls
 * that create or enter namespaces (the way to the kernel's less-tested surface from inside a user
 * namespace), mount file systems, load kernel code, read or write other processes, or reach the
 * kernel's keyrings, BPF and perf subsystems fail with {@code EPERM}. {@code clone} is allowed
 * without namespace flags (threads and forks); {@code clone3}, whose flags sit in memory a filter cannot
 * read, fails with {@code ENOSYS} so that the C library falls back to {@code clone}. A call of another
 * architecture (32-bit {@code int 0x80}) kills the process; the x32 ABI fails with {@code EPERM}.
 * x86_64 only (the runtime is unavailable elsewhere). See docs/DECISIONS.md D42.
 */
final class SeccompFilter {
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int X32_SYSCALL_BIT = 0x40000000;
    /** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
    static final int CLONE_NAMESPACES =
            0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

    static final int NR_CLONE = 56;
    static final int NR_CLONE3 = 435;

    /** Denied with EPERM: x86_64 number to name (the name is for people reading this list). */
    static final Map<Integer, String> DENIED = new TreeMap<>(Map.ofEntries(
            Map.entry(101, "ptrace"),
            Map.entry(103, "syslog"),
            Map.entry(134, "uselib"),
            Map.entry(153, "vhangup"),
            Map.entry(155, "pivot_root"),
            Map.entry(159, "adjtimex"),
            Map.entry(163, "acct"),
            Map.entry(164, "settimeofday"),
            Map.entry(165, "mount"),
            Map.entry(166, "umount2"),
            Map.entry(167, "swapon"),
            Map.entry(168, "swapoff"),
            Map.entry(169, "reboot"),
            Map.entry(170, "sethostname"),
            Map.entry(171, "setdomainname"),
            Map.entry(172, "iopl"),
            Map.entry(173, "ioperm"),
            Map.entry(174, "create_module"),
            Map.entry(175, "init_module"),
            Map.entry(176, "delete_module"),
            Map.entry(179, "quotactl"),
            Map.entry(212, "lookup_dcookie"),
            Map.entry(227, "clock_settime"),
            Map.entry(246, "kexec_load"),
            Map.entry(248, "add_key"),
            Map.entry(249, "request_key"),
            Map.entry(250, "keyctl"),
            Map.entry(272, "unshare"),
            Map.entry(298, "perf_event_open"),
            Map.entry(303, "name_to_handle_at"),
            Map.entry(304, "open_by_handle_at"),
            Map.entry(305, "clock_adjtime"),
            Map.entry(308, "setns"),
            Map.entry(310, "process_vm_readv"),
            Map.entry(311, "process_vm_writev"),
            Map.entry(313, "finit_module"),
            Map.entry(320, "kexec_file_load"),
            Map.entry(321, "bpf"),
            Map.entry(323, "userfaultfd"),
            Map.entry(428, "open_tree"),
            Map.entry(429, "move_mount"),
            Map.entry(430, "fsopen"),
            Map.entry(431, "fsconfig"),
            Map.entry(432, "fsmount"),
            Map.entry(433, "fspick"),
            Map.entry(442, "mount_setattr")));

    // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;
    private static final int OFF_ARG0_LOW = 16;

    // Classic BPF opcodes.
    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;

    static final int RET_ALLOW = 0x7fff0000;
    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_ERRNO = 0x00050000;
    static final int EPERM = 1;
    static final int ENOSYS = 38;

    private SeccompFilter() {}

    /** One instruction; a jump's targets are labels resolved by {@link #program()}. */
    record Insn(int code, String jt, String jf, int k) {}

    /** The program's instructions, with labels for the three verdicts at its end. */
    static List<Insn> instructions() {
        var p = new ArrayList<Insn>();
        p.add(new Insn(LD_W_ABS, null, null, OFF_ARCH));
        p.add(new Insn(JEQ_K, "next", "kill", AUDIT_ARCH_X86_64));
        p.add(new Insn(LD_W_ABS, null, null, OFF_NR));
        p.add(new Insn(JGE_K, "deny", "next", X32_SYSCALL_BIT));
        for (int nr : DENIED.keySet()) p.add(new Insn(JEQ_K, "deny", "next", nr));
        p.add(new Insn(JEQ_K, "enosys", "next", NR_CLONE3));
        p.add(new Insn(JEQ_K, "next", "allow", NR_CLONE));
        p.add(new Insn(LD_W_ABS, null, null, OFF_ARG0_LOW));
        p.add(new Insn(JSET_K, "deny", "allow", CLONE_NAMESPACES));
        return p;
    }

    /** The compiled program, ready to hand to bubblewrap. */
    static byte[] program() {
        List<Insn> body = instructions();
        int allow = body.size();
        var labels = Map.of("allow", allow, "deny", allow + 1, "enosys", allow + 2, "kill", allow + 3);
        ByteBuffer out = ByteBuffer.allocate((body.size() + 4) * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < body.size(); i++) {
            Insn in = body.get(i);
            out.putShort((short) in.code());
            out.put(jump(i, in.jt(), labels));
            out.put(jump(i, in.jf(), labels));
            out.putInt(in.k());
        }
        for (int verdict : new int[] {RET_ALLOW, RET_ERRNO | EPERM, RET_ERRNO | ENOSYS, RET_KILL_PROCESS}) {
            out.putShort((short) RET_K).put((byte) 0).put((byte) 0).putInt(verdict);
        }
        return out.array();
    }

    private static byte jump(int at, String label, Map<String, Integer> labels) {
        if (label == null || label.equals("next")) return 0;
        int offset = labels.get(label) - at - 1;
        if (offset < 0 || offset > 255) throw new IllegalStateException("seccomp jump out of range: " + offset);
        return (byte) offset;
    }
}
