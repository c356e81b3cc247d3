package dev.bosun.client;

/** Which of a worker's output streams {@link BosunClient#logs} reads. */
public enum LogStream {
    STDOUT,
    STDERR
}
