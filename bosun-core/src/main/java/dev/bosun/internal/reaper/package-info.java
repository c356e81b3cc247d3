/**
 * The reaper: expires what is due by index, times out tasks, finishes cleanups and purges old sessions. Its API face is {@link dev.bosun.reaper.Sweeper}.
 *
 * <p><strong>Internal: not API.</strong> See {@link dev.bosun.internal}.
 */
package dev.bosun.internal.reaper;
