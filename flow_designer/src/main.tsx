import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { translateIconLabels } from "./app/iconLabels";

const container = document.getElementById("root");
if (!container) throw new Error("缺少 #root 挂载点");
createRoot(container).render(<App />);
translateIconLabels();
