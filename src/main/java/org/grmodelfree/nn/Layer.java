package org.grmodelfree.nn;

import java.util.List;

/** Something with trainable parameters. */
public interface Layer {
    /** The parameters, in a fixed order (the order they are saved and restored in). */
    List<Param> params();

    /**
     * State that is learned but not trained by gradient, such as batch-norm running statistics:
     * saved and restored with the model like {@link #params()}, never given to an optimiser (their
     * gradients stay unused). In a fixed order; none by default.
     */
    default List<Param> buffers() {
        return List.of();
    }
}
