package org.medclip.training.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.text.ClipTokenizer;
import org.medclip.training.model.ClipModel;
import org.medclip.training.pipeline.Compare;
import org.medclip.training.pipeline.Corpus;
import org.medclip.training.pipeline.Embedder;
import org.medclip.training.pipeline.EvaluationReport;
import org.medclip.training.pipeline.Evaluator;
import org.medclip.training.pipeline.Plots;
import org.medclip.training.pipeline.StartModel;
import org.medclip.training.pipeline.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: the study's in-batch MRR@k and corpus retrieval of one model on one split. A
 * bundle is evaluated through ONNX Runtime ({@code ClipEncoder}: what serving sees); an HF
 * directory or a checkpoint through the DJL model.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a model: in-batch MRR@1/3/5/10/20 and corpus Recall@k / MRR@10.")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, description = "Dataset folder (ImageCLEF layout).")
  Path data;

  @Option(names = "--manifest", description = "Split manifest (default: DATA/split-manifest.tsv).")
  Path manifest;

  @Option(
      names = "--model",
      required = true,
      description = "A model bundle, an HF CLIP directory or a finetune checkpoint (.ckpt).")
  Path model;

  @Option(names = "--split", defaultValue = "test", description = "Split (default: test).")
  String split;

  @Option(names = "--name", description = "Run name in tables (default: the model folder name).")
  String name;

  @Option(
      names = "--batch-size",
      defaultValue = "64",
      description = "In-batch size (default: ${DEFAULT-VALUE}, as the study).")
  int batchSize;

  @Option(names = "--split-seed", defaultValue = "42", description = "Split seed if no manifest.")
  long splitSeed;

  @Option(names = "--threads", description = "Decoding / inference threads (default: cores).")
  int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

  @Option(names = "--out", description = "Write report.json, report.md and heatmap.png here.")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1) {
      throw new UserInputException("--batch-size must be positive, got " + batchSize + ".");
    }
    if (threads < 1) {
      throw new UserInputException("--threads must be positive, got " + threads + ".");
    }
    Split s;
    try {
      s = Split.parse(split);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(
          "Unknown split \"" + split + "\"; use train, validation or test.");
    }
    if (!s.captioned()) {
      throw new UserInputException("The unlabelled split has no captions to evaluate against.");
    }
    if (!Files.exists(model)) {
      throw new UserInputException("The model " + model + " does not exist.");
    }
    Corpus corpus = Corpus.open(data, manifest, splitSeed);
    List<ImageRecord> records = corpus.require(s);
    String runName =
        name != null ? name : model.toAbsolutePath().normalize().getFileName().toString();
    Evaluator.Result result;
    if (Files.isRegularFile(model.resolve(ModelBundle.SPEC_FILE))) {
      try (Embedder e = openBundle()) {
        result = Evaluator.evaluate(runName, corpus, records, e, batchSize);
      }
    } else {
      StartModel start = StartModel.resolve(model);
      var cc = start.config();
      var t = cc.text();
      try (ClipTokenizer tok =
              ClipTokenizer.load(
                  start.tokenizerJson(),
                  t.maxPositions(),
                  t.bosTokenId(),
                  t.eosTokenId(),
                  t.padTokenId());
          ClipModel m = ClipModel.create(cc, Device.cpu(), 0)) {
        m.loadStateDict(start.weights());
        ImagePreprocessor pre =
            new ImagePreprocessor(cc.vision().imageSize(), start.imageMean(), start.imageStd());
        try (Embedder e = Embedder.djl(m, tok, pre, batchSize, threads, start.description())) {
          result = Evaluator.evaluate(runName, corpus, records, e, batchSize);
        }
      }
    }
    EvaluationReport r = result.report();
    if (out != null) {
      r.writeJson(out.resolve(Compare.REPORT_FILE));
      Files.writeString(out.resolve("report.md"), r.toMarkdown());
      Plots.heatmap(
          result.firstBatch(),
          runName + ": cosine similarity, first " + s.label() + " batch",
          out.resolve("heatmap.png"));
    }
    PrintWriter w = spec.commandLine().getOut();
    w.print(r.toMarkdown());
    w.flush();
    return 0;
  }

  private Embedder openBundle() throws UserInputException {
    try {
      return Embedder.bundle(model, batchSize, threads);
    } catch (IOException | RuntimeException e) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
      throw new UserInputException(
          "The model bundle " + model + " cannot be opened: " + m.replace('\n', ' '), e);
    }
  }
}
