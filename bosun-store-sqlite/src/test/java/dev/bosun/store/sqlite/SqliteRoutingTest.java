package dev.bosun.store.sqlite;

import dev.bosun.contract.RoutingContract;
import dev.bosun.contract.StoreFactory;

class SqliteRoutingTest extends RoutingContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
