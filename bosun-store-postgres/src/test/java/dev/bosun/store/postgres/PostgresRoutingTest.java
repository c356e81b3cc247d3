package dev.bosun.store.postgres;

import dev.bosun.contract.RoutingContract;
import dev.bosun.contract.StoreFactory;

class PostgresRoutingTest extends RoutingContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
