define(["qlik", "css!./kpi-tile.css"], function () {
  "use strict";
  return {
    initialProperties: { qHyperCubeDef: { qDimensions: [], qMeasures: [], qInitialDataFetch: [{ qWidth: 2, qHeight: 1 }] } },
    definition: { type: "items", component: "accordion", items: { measures: { uses: "measures", min: 1, max: 2 } } },
    paint: function ($element, layout) {
      var row = layout.qHyperCube.qDataPages[0].qMatrix[0] || [];
      var value = row[0] ? row[0].qText : "-";
      var trend = row[1] && row[1].qNum < 0 ? "down" : "up";
      $element.html('<div class="kpi-tile"><span class="kpi-value"></span><span class="kpi-trend ' + trend + '"></span></div>');
      $element.find(".kpi-value").text(value);
      return Promise.resolve();
    }
  };
});
