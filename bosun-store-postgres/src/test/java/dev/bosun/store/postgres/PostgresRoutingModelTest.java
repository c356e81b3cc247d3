package dev.bosun.store.postgres;

import dev.bosun.contract.RoutingModelContract;
import dev.bosun.contract.StoreFactory;

class PostgresRoutingModelTest extends RoutingModelContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
