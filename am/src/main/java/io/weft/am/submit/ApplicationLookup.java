package io.weft.am.submit;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * What the janitor asks the ResourceManager: an application's state and the user it runs as. A narrow port so the
 * janitor's rules are tested with a hand-written fake; {@link #of(YarnClient)} is the real one.
 */
@FunctionalInterface
public interface ApplicationLookup {

    /**
     * What the ResourceManager says about an application.
     *
     * @param state its state
     * @param user the user it was submitted as (short name)
     */
    record Known(YarnApplicationState state, String user) {
    }

    /**
     * Asks about one application. Called on the janitor's caller's thread; may block on an RPC.
     *
     * @param id the application
     * @return what the ResourceManager reports, or empty when it does not know the application (never submitted,
     *     or forgotten: a ResourceManager keeps a bounded number of finished applications)
     * @throws IOException when the ResourceManager cannot be asked; the janitor then keeps the directory
     */
    Optional<Known> find(ApplicationId id) throws IOException;

    /**
     * @param client a started client
     * @return the lookup through {@link YarnClient#getApplicationReport}
     */
    static ApplicationLookup of(YarnClient client) {
        return id -> {
            try {
                ApplicationReport report = client.getApplicationReport(id);
                return Optional.of(new Known(report.getYarnApplicationState(), report.getUser()));
            } catch (ApplicationNotFoundException e) {
                return Optional.empty();
            } catch (YarnException e) {
                throw new IOException("could not ask the ResourceManager about " + id + ": " + e.getMessage(), e);
            }
        };
    }
}
