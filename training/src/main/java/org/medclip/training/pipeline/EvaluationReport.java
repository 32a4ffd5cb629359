package org.medclip.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The result of evaluating one model on one split: the study's in-batch MRR@k and corpus-level
 * retrieval (see {@link RetrievalMetrics} for the exact definitions, tie rule and last-batch rule).
 *
 * @param name run name shown in tables (e.g. {@code baseline}, {@code lr5e-5-b64})
 * @param model what was evaluated (bundle directory, checkpoint, "djl model of run X")
 * @param split the split's label ({@code test} normally)
 * @param images pairs evaluated (images that failed to decode are left out; see {@code skipped})
 * @param skipped pairs left out because their image could not be decoded
 * @param batchSize in-batch batch size (64 in the study)
 * @param lastBatchSize size of the last batch ({@code == batchSize} when it divides {@code images})
 * @param distinctCaptions number of distinct caption texts among the pairs
 * @param inBatchMrr MRR@k by k
 * @param ceilingMrr in-batch MRR@k that a perfect model would get on the same batches, when the
 *     corpus says which captions mean the same ({@link RetrievalMetrics#inBatchCeiling}); empty
 *     when it does not (real data)
 * @param textToImage corpus text-to-image retrieval
 * @param imageToText corpus image-to-text retrieval
 * @param seconds wall time of the evaluation (embedding + metrics)
 */
public record EvaluationReport(
    String name,
    String model,
    String split,
    int images,
    int skipped,
    int batchSize,
    int lastBatchSize,
    int distinctCaptions,
    Map<Integer, Double> inBatchMrr,
    Map<Integer, Double> ceilingMrr,
    RetrievalMetrics.Directional textToImage,
    RetrievalMetrics.Directional imageToText,
    double seconds) {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A copy with another name. */
  public EvaluationReport withName(String newName) {
    return new EvaluationReport(
        newName,
        model,
        split,
        images,
        skipped,
        batchSize,
        lastBatchSize,
        distinctCaptions,
        inBatchMrr,
        ceilingMrr,
        textToImage,
        imageToText,
        seconds);
  }

  /** The JSON form (also what goes into {@code clip-model.json}'s evaluation). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("model", model);
    o.put("split", split);
    o.put("images", images);
    o.put("skipped", skipped);
    o.put("batch_size", batchSize);
    o.put("last_batch_size", lastBatchSize);
    o.put("distinct_captions", distinctCaptions);
    o.put(
        "metric_notes",
        "in-batch: consecutive unshuffled batches, last partial batch included; ties count"
            + " against the true caption; captions with identical text count as the true one");
    ObjectNode mrr = o.putObject("in_batch_mrr");
    inBatchMrr.forEach((k, v) -> mrr.put(String.valueOf(k), v));
    if (!ceilingMrr.isEmpty()) {
      ObjectNode ceiling = o.putObject("in_batch_mrr_ceiling");
      ceilingMrr.forEach((k, v) -> ceiling.put(String.valueOf(k), v));
    }
    o.set("text_to_image", directional(textToImage));
    o.set("image_to_text", directional(imageToText));
    o.put("seconds", seconds);
    return o;
  }

  /** The evaluation as a plain map, for {@code ModelSpec.evaluation}. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> toMap() {
    return JSON.convertValue(toJson(), LinkedHashMap.class);
  }

  private static ObjectNode directional(RetrievalMetrics.Directional d) {
    ObjectNode o = JSON.createObjectNode();
    d.recall().forEach((k, v) -> o.put("recall@" + k, v));
    o.put("mrr@10", d.mrrAt10());
    o.put("queries", d.queries());
    return o;
  }

  /** Reads the form written by {@link #toJson()}. */
  public static EvaluationReport fromJson(JsonNode o) {
    Map<Integer, Double> mrr = byK(o.path("in_batch_mrr"));
    Map<Integer, Double> ceiling = byK(o.path("in_batch_mrr_ceiling"));
    return new EvaluationReport(
        o.path("name").asText(""),
        o.path("model").asText(""),
        o.path("split").asText(""),
        o.path("images").asInt(),
        o.path("skipped").asInt(),
        o.path("batch_size").asInt(),
        o.path("last_batch_size").asInt(),
        o.path("distinct_captions").asInt(),
        mrr,
        ceiling,
        readDirectional(o.path("text_to_image")),
        readDirectional(o.path("image_to_text")),
        o.path("seconds").asDouble());
  }

  private static Map<Integer, Double> byK(JsonNode o) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = o.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(Integer.parseInt(e.getKey()), e.getValue().asDouble());
    }
    return out;
  }

  private static RetrievalMetrics.Directional readDirectional(JsonNode o) {
    Map<Integer, Double> recall = new LinkedHashMap<>();
    for (int k : RetrievalMetrics.RECALL_KS) {
      if (o.has("recall@" + k)) {
        recall.put(k, o.get("recall@" + k).asDouble());
      }
    }
    return new RetrievalMetrics.Directional(
        recall, o.path("mrr@10").asDouble(), o.path("queries").asInt());
  }

  /** Writes {@link #toJson()} to {@code file}. */
  public void writeJson(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), toJson());
  }

  /** Reads a file written by {@link #writeJson}. */
  public static EvaluationReport readJson(Path file) throws IOException {
    return fromJson(JSON.readTree(file.toFile()));
  }

  /** A Markdown report: the study's table row, corpus retrieval, and how it was measured. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Evaluation: ").append(name).append("\n\n");
    sb.append("- model: `").append(model).append("`\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "- split: %s, %d image-caption pairs (%d distinct captions), %d skipped"
                + " (undecodable image)%n",
            split,
            images,
            distinctCaptions,
            skipped));
    sb.append(
        String.format(
            Locale.ROOT,
            "- in-batch: consecutive batches of %d without shuffling, the last partial batch (%d)"
                + " included%n",
            batchSize,
            lastBatchSize));
    sb.append(
        "- ties count against the true caption; a caption with the same text as the true one"
            + " counts as the true one\n\n");
    sb.append("## In-batch image-to-caption MRR@k (the study's metric)\n\n");
    sb.append(Compare.table(java.util.List.of(this)));
    if (!ceilingMrr.isEmpty()) {
      sb.append("\n").append(Compare.CEILING_NOTE).append("\n");
    }
    sb.append("\n## Corpus retrieval against the whole split (exact search)\n\n");
    sb.append("| direction | Recall@1 | Recall@5 | Recall@10 | MRR@10 |\n");
    sb.append("| --- | ---: | ---: | ---: | ---: |\n");
    row(sb, "text -> image", textToImage);
    row(sb, "image -> text", imageToText);
    sb.append(String.format(Locale.ROOT, "%nEvaluated in %.1f s.%n", seconds));
    return sb.toString();
  }

  private static void row(StringBuilder sb, String label, RetrievalMetrics.Directional d) {
    sb.append("| ").append(label);
    for (int k : RetrievalMetrics.RECALL_KS) {
      sb.append(String.format(Locale.ROOT, " | %.3f", d.recall().getOrDefault(k, Double.NaN)));
    }
    sb.append(String.format(Locale.ROOT, " | %.3f |%n", d.mrrAt10()));
  }
}
