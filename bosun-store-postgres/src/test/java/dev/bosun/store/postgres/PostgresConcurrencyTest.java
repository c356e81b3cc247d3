package dev.bosun.store.postgres;

import dev.bosun.contract.ConcurrencyContract;
import dev.bosun.contract.StoreFactory;

class PostgresConcurrencyTest extends ConcurrencyContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
