package dev.bosun.store.postgres;

import dev.bosun.contract.StoreFactory;
import dev.bosun.contract.WorkerContract;

class PostgresWorkerTest extends WorkerContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
