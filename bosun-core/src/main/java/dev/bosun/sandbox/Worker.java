package dev.bosun.sandbox;

import java.util.concurrent.CompletionStage;

/** A live worker: its durable reference and a stage that completes when it exits. */
public interface Worker {
    WorkerRef ref();

    /** Completes once, when the worker has exited (on its own, killed, or stopped by Bosun). */
    CompletionStage<WorkerExit> onExit();
}
