package dev.bosun.store.postgres;

import dev.bosun.contract.WorkerContract;
import dev.bosun.contract.StoreFactory;

class PostgresWorkerTest extends WorkerContract {
    @Override
    protected StoreFactory factory() { return PgTesting.factory(); }
}
