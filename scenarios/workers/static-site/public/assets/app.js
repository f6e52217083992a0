const response = await fetch("/api/visits");
const { visits } = await response.json();
document.getElementById("app").textContent = `${visits} visits`;
