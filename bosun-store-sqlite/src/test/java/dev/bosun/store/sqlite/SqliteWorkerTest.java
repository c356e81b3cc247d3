package dev.bosun.store.sqlite;

import dev.bosun.contract.WorkerContract;
import dev.bosun.contract.StoreFactory;

class SqliteWorkerTest extends WorkerContract {
    @Override
    protected StoreFactory factory() { return SqliteStore::open; }
}
