package io.weft.am.master;

import io.weft.api.WeftException;
import io.weft.planner.DagScheduler;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.runtime.executor.ExecutorMain;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.driver.backend.RemoteExecutorsBackend;
import io.weft.conf.ConfigKeys;
import io.weft.driver.DriverContext;
import java.io.IOException;
import java.net.InetAddress;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode: the driver runs inside the ApplicationMaster, which asks YARN for executor containers itself.
 * The application secret comes from this container's credentials, where the submitting client put it.
 */
final class AmBackend extends RemoteExecutorsBackend {

    private static final Logger LOG = LoggerFactory.getLogger(AmBackend.class);

    private final AmContext am;

    AmBackend(AmContext am) {
        this.am = am;
    }

    @Override
    public void start(DagScheduler scheduler, DriverContext context) {
        try {
            byte[] secret = UserGroupInformation.getCurrentUser().getCredentials()
                    .getSecretKey(new Text(ExecutorMain.SECRET_ALIAS));
            if (secret == null) {
                throw new WeftException("The ApplicationMaster has no application secret in its credentials");
            }
            endpoint = new DriverEndpoint(scheduler, context.kryo(), secret, new Registered(context.applicationId(),
                    context.conf().asMap(), context.shuffleDir().toString()),
                    context.conf().get(ConfigKeys.HEARTBEAT_TIMEOUT), System::currentTimeMillis,
                    context.conf().get(ConfigKeys.EXIT_REASON_WAIT));
            int port = endpoint.start("0.0.0.0", 0);
            am.launcher().onFatal(scheduler::abort);
            DriverEndpoint started = endpoint;
            am.launcher().onExecutorExit(started::executorExited);
            am.launcher().requestExecutors(InetAddress.getLocalHost().getHostName(), port);
        } catch (IOException e) {
            throw new WeftException("Could not start the driver endpoint: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeftException("Interrupted while starting the driver endpoint", e);
        }
        long deadline = System.currentTimeMillis() + context.conf().get(ConfigKeys.REGISTRATION_TIMEOUT);
        while (endpoint.executorIds().size() < am.settings().executorInstances()) {
            if (am.launcher().failure().isPresent()) {
                closeEndpoint();
                throw new WeftException(am.launcher().failure().get());
            }
            if (System.currentTimeMillis() > deadline) {
                String message = endpoint.executorIds().size() + " of " + am.settings().executorInstances()
                        + " executors registered before " + ConfigKeys.REGISTRATION_TIMEOUT.name() + " passed";
                closeEndpoint();
                throw new WeftException(message);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeftException("Interrupted while waiting for executors", e);
            }
        }
        LOG.info("{} executors registered", endpoint.executorIds().size());
    }

    /** Excluded hosts go on YARN's blacklist: no new executor containers there. */
    @Override
    public void excludedNodesChanged(java.util.Set<String> hosts) {
        am.launcher().schedulerExcludedNodes(hosts);
    }

    /** YARN places executors on several nodes and replaces lost ones: excluding a failing one helps. */
    @Override
    public boolean excludesFailingExecutors() {
        return true;
    }

    @Override
    public int defaultParallelism() {
        return am.settings().executorInstances() * am.settings().executorCores();
    }

    @Override
    public void close() {
        closeEndpoint();
    }
}
