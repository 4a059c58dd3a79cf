package org.grmodelfree.store;

import java.io.IOException;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Trainer;

/** Test access to the package-private in-memory codec, for tests in other packages. */
public final class ModelFileAccess {
    private ModelFileAccess() {
    }

    public static byte[] encode(Trainer trainer, double trainSeconds, LearningCurve history) throws IOException {
        return ModelFile.encode(trainer, trainSeconds, history);
    }

    public static ModelFile.Loaded decode(byte[] bytes) throws IOException {
        return ModelFile.decode(bytes);
    }
}
