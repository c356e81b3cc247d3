package dev.bosun.listener;

/**
 * What the library's listeners have done so far, over all of them.
 *
 * @param calls    invocations that returned normally
 * @param failures invocations that threw
 * @param timeouts invocations abandoned after {@code listener_timeout}
 * @param dropped  invocations never made because the listener's queue was full (it kept hanging)
 */
public record ListenerStats(long calls, long failures, long timeouts, long dropped) {}
