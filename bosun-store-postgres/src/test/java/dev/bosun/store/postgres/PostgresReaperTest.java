package dev.bosun.store.postgres;

import dev.bosun.contract.ReaperContract;
import dev.bosun.contract.StoreFactory;

class PostgresReaperTest extends ReaperContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
