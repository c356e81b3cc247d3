package dev.bosun.store.sqlite;

import dev.bosun.contract.RoutingModelContract;
import dev.bosun.contract.StoreFactory;

class SqliteRoutingModelTest extends RoutingModelContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
