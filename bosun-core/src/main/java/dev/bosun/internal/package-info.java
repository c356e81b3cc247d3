/**
 * Bosun's machinery: the worker supervisor, the reaper, the consumers of the event log and the
 * lifecycle that starts and stops them. <strong>Not API.</strong> Nothing here is stable between
 * releases; embedders use {@link dev.bosun.SessionManager} and the packages it names. Only the front
 * door ({@code dev.bosun}) depends on these packages, and no public signature outside them names one
 * of their types; bosun-core's {@code ArchitectureTest} fails the build otherwise (D96).
 */
package dev.bosun.internal;
