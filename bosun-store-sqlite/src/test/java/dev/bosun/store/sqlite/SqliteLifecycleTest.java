package dev.bosun.store.sqlite;

import dev.bosun.contract.LifecycleContract;
import dev.bosun.contract.StoreFactory;

class SqliteLifecycleTest extends LifecycleContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
