package dev.bosun.store.postgres;

import dev.bosun.contract.CallbackContract;
import dev.bosun.contract.StoreFactory;

class PostgresCallbackTest extends CallbackContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
