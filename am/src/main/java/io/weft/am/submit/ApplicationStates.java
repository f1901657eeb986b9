package io.weft.am.submit;

import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;

/** YARN's application states that nothing follows. The one copy of that set. */
public final class ApplicationStates {

    /** FINISHED, FAILED and KILLED. */
    public static final Set<YarnApplicationState> TERMINAL = EnumSet.of(YarnApplicationState.FINISHED,
            YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    private ApplicationStates() {
    }

    /**
     * @param state an application's state
     * @return whether the application has ended (FINISHED, FAILED or KILLED)
     */
    public static boolean isTerminal(YarnApplicationState state) {
        return TERMINAL.contains(state);
    }
}
