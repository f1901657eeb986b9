package io.weft.driver.backend;

import io.weft.driver.ClusterBackend;

/** Makes the backend behind {@code local-cluster[E,C,M]}: executor JVMs talking to the driver over the network. */
final class LocalClusterBackends {

    private LocalClusterBackends() {
    }

    static ClusterBackend create(int executors, int cores, int memoryMb, String appName) {
        return new LocalClusterBackend(executors, cores, memoryMb);
    }
}
