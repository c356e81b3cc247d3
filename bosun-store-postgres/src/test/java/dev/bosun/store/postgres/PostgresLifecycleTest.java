package dev.bosun.store.postgres;

import dev.bosun.contract.LifecycleContract;
import dev.bosun.contract.StoreFactory;

class PostgresLifecycleTest extends LifecycleContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
