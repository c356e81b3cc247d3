package dev.bosun.store.sqlite;

import dev.bosun.contract.StoreFactory;
import dev.bosun.contract.WorkerContract;

class SqliteWorkerTest extends WorkerContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
