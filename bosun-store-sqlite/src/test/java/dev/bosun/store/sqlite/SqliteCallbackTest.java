package dev.bosun.store.sqlite;

import dev.bosun.contract.CallbackContract;
import dev.bosun.contract.StoreFactory;

class SqliteCallbackTest extends CallbackContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
