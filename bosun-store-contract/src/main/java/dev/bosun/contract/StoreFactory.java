package dev.bosun.contract;

import dev.bosun.store.Store;
import java.nio.file.Path;

/**
 * How a store module hands its Store to the contract suites. {@link #open} is called again with the
 * same data dir to simulate a restart, so it must reach the same data.
 */
@FunctionalInterface
public interface StoreFactory {
    Store open(Path dataDir);
}
