// The cockpit's charts, drawn from the figures the page carries (#cockpit-data) beside its
// tables; drawn again when the wall-screen page swaps in fresh figures every minute.
function drawCockpit() {
  const source = document.getElementById("cockpit-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const draw = (name, option) => {
    const box = document.querySelector(`[data-cockpit-chart="${name}"]`);
    if (!box) return;
    (echarts.getInstanceByDom(box) || echarts.init(box)).setOption(option, true);
  };
  draw("exams", {
    tooltip: {trigger: "axis"},
    legend: {bottom: 0},
    grid: {top: 10, bottom: 50, left: 40, right: 10},
    xAxis: {type: "category", data: data.modalities},
    yAxis: {type: "value", minInterval: 1},
    series: data.series.map((s) => ({...s, type: "bar", stack: "exams", label: {show: true}})),
  });
  draw("rooms", {
    tooltip: {trigger: "axis"},
    grid: {top: 10, bottom: 10, left: 10, right: 10, containLabel: true},
    xAxis: {type: "category", data: data.rooms, axisLabel: {rotate: data.rooms.length > 6 ? 40 : 0}},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: data.waiting, label: {show: true, position: "top"}}],
  });
  draw("indicators", {
    tooltip: {trigger: "axis"},
    grid: {top: 20, bottom: 30, left: 40, right: 10},
    xAxis: {type: "category", data: data.indicators.map((i) => i.name)},
    yAxis: {type: "value"},
    series: [
      {type: "bar", data: data.indicators.map((i) => i.value), label: {show: true, position: "top"}},
      {type: "scatter", symbol: "rect", symbolSize: [28, 3], data: data.indicators.map((i) => i.target)},
    ],
  });
}
window.addEventListener("load", drawCockpit);
document.addEventListener("htmx:afterSwap", drawCockpit);
