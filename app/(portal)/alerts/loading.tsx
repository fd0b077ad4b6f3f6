import { LoadingState } from "../loading-state";

export default LoadingState;
