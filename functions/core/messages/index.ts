/** Messages: view models, rendering (French, HTML and plain text) and the plan of what is owed. */

export * from "../event/model.js";
export type { MessageContent } from "./layout.js";
export { renderLunchMessage } from "./lunch.js";
export * from "./plan.js";
export {
  renderConvocation,
  renderFeedbackRequest,
  renderOrganizerAlert,
  renderReminder,
  renderTrainReminder,
  renderTutorReminder,
  renderTutorRequest,
} from "./seminar.js";
