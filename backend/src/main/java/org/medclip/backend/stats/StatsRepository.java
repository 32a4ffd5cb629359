package org.medclip.backend.stats;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medclip.backend.db.DatabaseException;
import org.medclip.backend.stats.StatsResponse.Corpus;

/** Counts over table {@code image}. */
@ApplicationScoped
public class StatsRepository {
  private final AgroalDataSource dataSource;

  public StatsRepository(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Images per split and the number of captioned images, in one scan. */
  public Corpus corpus() {
    String sql =
        "SELECT split, count(*), count(*) FILTER (WHERE caption IS NOT NULL AND caption <> '')"
            + " FROM image GROUP BY split";
    Map<String, Long> splits = new LinkedHashMap<>();
    splits.put("train", 0L);
    splits.put("validation", 0L);
    splits.put("test", 0L);
    long images = 0;
    long captioned = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        splits.put(rs.getString(1), rs.getLong(2));
        images += rs.getLong(2);
        captioned += rs.getLong(3);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    return new Corpus(images, captioned, splits);
  }
}
