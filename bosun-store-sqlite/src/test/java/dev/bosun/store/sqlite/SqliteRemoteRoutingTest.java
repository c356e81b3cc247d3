package dev.bosun.store.sqlite;

import dev.bosun.contract.RemoteRoutingContract;
import dev.bosun.contract.StoreFactory;

class SqliteRemoteRoutingTest extends RemoteRoutingContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
