package dev.bosun.config;

/**
 * A value the loader set other than it was given, because another setting required it (a default
 * that would contradict a configured key). The server logs each once at WARN when it starts, so the
 * operator can set the key explicitly.
 *
 * @param key    the key whose value was changed
 * @param detail what it became, and why, in a sentence that names the keys involved
 */
public record ConfigClamp(String key, String detail) {}
