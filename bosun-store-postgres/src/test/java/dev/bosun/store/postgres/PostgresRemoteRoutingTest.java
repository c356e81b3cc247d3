package dev.bosun.store.postgres;

import dev.bosun.contract.RemoteRoutingContract;
import dev.bosun.contract.StoreFactory;

class PostgresRemoteRoutingTest extends RemoteRoutingContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
