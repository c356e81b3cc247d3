package dev.bosun.store.sqlite;

import dev.bosun.contract.DeliveryContract;
import dev.bosun.contract.StoreFactory;

class SqliteDeliveryTest extends DeliveryContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
