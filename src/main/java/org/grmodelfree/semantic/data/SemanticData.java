package org.grmodelfree.semantic.data;

import java.io.IOException;

/**
 * The training and test images of a semantic run, chosen the same way by every process that needs
 * them (the command line, each agent block, the receiver block): MNIST's 10 000 digits split
 * 80/20 (stratified, seed {@value #SPLIT_SEED}); Fashion-MNIST's own 60 000 / 10 000 parts; then,
 * when fewer images are asked for, a seeded random sample of each part.
 */
public final class SemanticData {
    /** Seed of the MNIST split and of the subsets. */
    public static final long SPLIT_SEED = 2024;
    /** Share of the MNIST digits held out for testing. */
    public static final double MNIST_TEST_FRACTION = 0.2;

    private SemanticData() {
    }

    /**
     * @param dataset "mnist" or "fashion"
     * @param trainImages training images (0: all)
     * @param testImages test images (0: all)
     */
    public static Dataset.Split load(String dataset, int trainImages, int testImages) throws IOException {
        Dataset train;
        Dataset test;
        if (dataset.equals("mnist")) {
            Dataset.Split s = Mnist.load().split(MNIST_TEST_FRACTION, SPLIT_SEED);
            train = s.train();
            test = s.test();
        } else if (dataset.equals("fashion")) {
            train = FashionMnist.load(FashionMnist.Part.TRAIN);
            test = FashionMnist.load(FashionMnist.Part.TEST);
        } else {
            throw new IllegalArgumentException("dataset must be mnist or fashion, not '" + dataset + "'");
        }
        if (trainImages > 0 && trainImages < train.size()) {
            train = train.sample(trainImages, SPLIT_SEED + 1);
        }
        if (testImages > 0 && testImages < test.size()) {
            test = test.sample(testImages, SPLIT_SEED + 2);
        }
        return new Dataset.Split(train, test);
    }
}
